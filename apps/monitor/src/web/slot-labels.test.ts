import { describe, expect, it } from 'vitest';
import { fmt, fmtBytes } from './format.js';
import { slotAlert, slotRows } from './slot-labels.js';
import type { SlotView } from './state.js';

const GiB = 1024 ** 3;
const f = { bytes: fmtBytes, count: fmt };
const view = (over: Partial<SlotView> = {}): SlotView => ({ slot: 'streamline_relay', active: true, lagBytes: 1536, records: 1200, growthBytesPerSecond: null, alert: false, ...over });

describe('slot labels', () => {
  it('shows the lag in binary units, the records it owes and that a relay reads it', () => {
    expect(slotRows(view({ growthBytesPerSecond: 2048 }), f)).toEqual([
      { figure: 'lag', label: 'WAL held', text: '1.5 KiB', warn: false },
      { figure: 'records', label: 'records not confirmed', text: '1,200', warn: false },
      { figure: 'reader', label: 'reader', text: 'a relay', warn: false },
    ]);
  });

  it('says an inactive slot has no reader, in orange, and how fast its WAL grows', () => {
    const rows = (over: Partial<SlotView>) => slotRows(view({ active: false, ...over }), f).slice(2);
    expect(rows({ growthBytesPerSecond: 3.2 * 1024 ** 2 })).toEqual([
      { figure: 'reader', label: 'reader', text: 'none (inactive)', warn: true },
      { figure: 'growth', label: 'WAL held grows', text: '3.2 MiB/s', warn: true },
    ]);
    // Not growing (an idle server) or not known yet: still no reader, in orange.
    expect(rows({ growthBytesPerSecond: 0 })).toEqual([{ figure: 'reader', label: 'reader', text: 'none (inactive)', warn: true }]);
    expect(rows({ growthBytesPerSecond: null })).toEqual([{ figure: 'reader', label: 'reader', text: 'none (inactive)', warn: true }]);
  });

  it('names the slot, its lag and the threshold on the alert line, only over the threshold', () => {
    expect(slotAlert(view({ lagBytes: 0.5 * GiB }), GiB, f)).toBeNull();
    const inactive = slotAlert(view({ lagBytes: 1.25 * GiB, active: false, alert: true }), GiB, f)!;
    expect(inactive).toBe(
      'Replication slot streamline_relay holds 1.3 GiB of WAL, over the alert threshold of 1.0 GiB: PostgreSQL keeps it on disk until the slot moves. ' +
        'No relay is reading it (inactive): start the relay with RELAY_SOURCE=wal, or drop the slot (relay --drop-slot) if it is no longer used.',
    );
    expect(slotRows(view({ lagBytes: 1.25 * GiB, alert: true }), f)[0]!.warn).toBe(true);
    expect(slotAlert(view({ lagBytes: 2 * GiB, alert: true }), GiB, f)).toMatch(/holds 2\.0 GiB of WAL.* A relay is reading it but is behind\.$/);
  });
});
