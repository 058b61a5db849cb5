"""Entry point submitted by the spark-launcher: `spark-submit ... users_stream.py --help`."""
import sys

from streamline_job.main import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
