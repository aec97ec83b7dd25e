// Debian's libxml2 is built with ICU, which clashes with Foundation's own ICU: keep it out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>

// xmlFree is a global function pointer, which Swift 6 sees as shared mutable state.
static inline void tl_xml_free(void *pointer) { xmlFree(pointer); }
