// SPDX-License-Identifier: GPL-2.0
/* struct folio_batch moved from <linux/pagevec.h> to its own header (after 6.12). */
#include <linux/folio_batch.h>

void svshm_probe(struct folio_batch *fbatch);
void svshm_probe(struct folio_batch *fbatch)
{
	folio_batch_init(fbatch);
}
