// libical: iCalendar parsing, recurrence rules and time zones (Debian's libical-dev).
#include <libical/ical.h>
