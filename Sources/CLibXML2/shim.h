#ifndef LIENTHONG_CLIBXML2_SHIM_H
#define LIENTHONG_CLIBXML2_SHIM_H

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>
#include <libxml/c14n.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlIO.h>

/* xmlFree is a mutable global function pointer: Swift 6 refuses to touch it directly. */
static inline void lt_xmlFree(void *p) { xmlFree(p); }

#endif
