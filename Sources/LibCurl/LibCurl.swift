// The LibCurl module: see docs/ARCHITECTURE.md.
