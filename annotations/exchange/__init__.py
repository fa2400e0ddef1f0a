"""Exchange: export and import formats, transfers between databases, and report rows. The
top of the core; nothing in it is imported by the packages below."""
