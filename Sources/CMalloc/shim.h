// glibc's allocator controls (mallopt and its M_* parameters), which Glibc's module map leaves out.
#include <malloc.h>
