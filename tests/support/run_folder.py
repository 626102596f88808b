"""What the processes of one xdist run make once and share, in the folder pytest gives the run.

The first process to need a thing (the template database, the dataset's rows) makes it while holding the thing's
lock; the others wait on the lock and then use what it made."""

import fcntl
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def locked(path: Path):
    """`path` opened for reading and appending, held by this process alone until the block ends."""
    with path.open("a+") as file:
        fcntl.flock(file, fcntl.LOCK_EX)  # released when the file closes, also on an error
        file.seek(0)
        yield file
