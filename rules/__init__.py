"""The mlcheck rule pack: one module per rule (`mlcNNN_<name>.py`), discovered by path."""
