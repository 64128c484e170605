// The Relay module: see docs/ARCHITECTURE.md.
