"""`python -m ircli` runs the same entry point as the `ircli` console script."""

from ircli.entry import main

if __name__ == "__main__":
    main()
