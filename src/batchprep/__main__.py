"""`python -m batchprep`: the same command line as the `batchprep` script."""

from batchprep.cli import main

if __name__ == "__main__":
    main()
