#include "config.h"
#include "engine/chunk.h"

size_t chunk_next_size(size_t requested, size_t queued, bool scan_done, unsigned workers)
{
	if (queued == 0)
		return 0;
	if (requested > 0)
		return requested < queued ? requested : queued;
	if (workers == 0)
		workers = 1;
	size_t share = (queued + 4 * (size_t)workers - 1) / (4 * (size_t)workers);
	/* While scanning, never hand out the whole visible backlog: more is coming
	 * and another idle worker may want some of it. */
	if (!scan_done && share > queued / 2 && queued > 1)
		share = queued / 2;
	if (share > CHUNK_AUTO_MAX)
		share = CHUNK_AUTO_MAX;
	return share > 0 ? share : 1;
}
