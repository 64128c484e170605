// The LibCrypto module: see docs/ARCHITECTURE.md.
