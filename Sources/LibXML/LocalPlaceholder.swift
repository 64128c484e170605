// local placeholder (not committed): main has not committed LibXML yet
