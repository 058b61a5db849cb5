import { z } from 'zod';

/** One entry of `results` in a randomuser.me API 1.4 response. Only the fields we keep are checked. */
export const apiUserSchema = z.object({
  gender: z.string().min(1),
  name: z.object({ title: z.string(), first: z.string().min(1), last: z.string().min(1) }),
  location: z.object({
    street: z.object({ number: z.coerce.number().int(), name: z.string().min(1) }),
    city: z.string().min(1),
    state: z.string(),
    country: z.string().min(1),
    // The API sends numbers for some nationalities and strings (e.g. "EC1A 1BB") for others.
    postcode: z.union([z.string(), z.number()]),
    coordinates: z.object({ latitude: z.coerce.number(), longitude: z.coerce.number() }),
    timezone: z.object({ offset: z.string(), description: z.string() }),
  }),
  email: z.string().min(3).includes('@'),
  login: z.object({ uuid: z.uuid(), username: z.string().min(1) }).loose(),
  dob: z.object({ date: z.iso.datetime({ offset: true }), age: z.number().int() }),
  registered: z.object({ date: z.iso.datetime({ offset: true }), age: z.number().int() }),
  phone: z.string(),
  cell: z.string(),
  id: z.object({ name: z.string().nullable(), value: z.string().nullable() }),
  picture: z.object({ large: z.string(), medium: z.string(), thumbnail: z.string() }),
  nat: z.string().min(1),
});

export type ApiUser = z.infer<typeof apiUserSchema>;

/** What a randomuser.me-compatible endpoint answers. */
export const apiResponseSchema = z.object({
  results: z.array(z.unknown()),
  info: z.object({ seed: z.string(), results: z.number(), page: z.number(), version: z.string() }).partial().optional(),
});
