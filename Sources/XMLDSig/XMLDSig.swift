// The XMLDSig module: see docs/ARCHITECTURE.md.
