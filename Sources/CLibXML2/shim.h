// Debian's libxml2 is built with ICU, which clashes with Foundation's own ICU: keep it out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
