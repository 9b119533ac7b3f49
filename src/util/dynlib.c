#include "config.h"
#include "util/dynlib.h"

#include <dlfcn.h>

void *dynlib_open(const char *what, const char *soname, struct ib_error *err)
{
	void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!lib)
		ib_fail(err, "%s: cannot load %s: %s", what, soname, dlerror());
	return lib;
}

void *dynlib_symbol(void *lib, const char *what, const char *soname, const char *name,
		    struct ib_error *err)
{
	void *sym = dlsym(lib, name);
	if (!sym)
		ib_fail(err, "%s: %s has no %s", what, soname, name);
	return sym;
}
