"""Small helpers with no domain knowledge: record classes, lazily compiled regular expressions, guarded numbers."""
