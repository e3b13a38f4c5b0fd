"""Languages, levels, enrollments."""
