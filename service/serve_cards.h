/*
 * serve_cards.h - CDS Hooks for the service: the discovery document and the cards
 * made from one client's result.
 *
 * A result becomes cards in this order: one card per risk (by severity), one per
 * recommendation (by priority), one for a stage proposal, one listing the
 * challenges, one listing the advice, one listing the data gaps. The card's
 * indicator comes from the risk's severity (info, warning, critical) or the
 * recommendation's priority (urgent: critical, high: warning, normal and low:
 * info); a proposal to move back a stage is a warning; the rest are info. Its
 * summary is under 140 characters (cut at a character boundary with "…"); its detail
 * is Markdown listing the rules that fired, the facts they read and their
 * citations; its source names the guideline, its version and the first citation.
 * docs/integration.md shows a full response.
 *
 * Card uuids are name-based (RFC 4122 version 5) over the request's hookInstance,
 * the rule set and facts digests and the card's kind and item: unique per request
 * and item, and the same again for the same request, so a decision can be replayed
 * and its feedback matched without the service keeping state.
 */
#ifndef SERVE_CARDS_H
#define SERVE_CARDS_H

#include "internal.h"
#include "stagewise.h"

/* The hook the service's card endpoint answers. */
#define SERVE_CDS_HOOK "patient-view"
/* The key under `prefetch` or `context` that holds the client document. */
#define SERVE_CDS_FACTS_KEY "stagewise"
/* The name of the extension the service adds to cards and responses. */
#define SERVE_CDS_EXTENSION "org.stagewise"

/* Appends the discovery document of GET /cds-services for the rule set. The
 * service's id is the guideline identifier; its prefetch templates are the FHIR
 * searches the rules' fhir mappings read (sw_fhir_prefetch). Returns 0, or -1
 * when out of memory. */
int serve_cards_discovery(const sw_ruleset *rules, const sw_ruleset_info *info, sw_buf *out);

/* Appends the CDS Hooks response ({"cards": [...], "extension": {...}}) for one
 * evaluated client. Returns 0, or -1 when out of memory. */
int serve_cards_render(const sw_report *rep, const char *hook_instance, sw_buf *out);
/* As serve_cards_render, with what did not fit the FHIR mappings (may be NULL) in
 * the response's extension, under "errors". */
int serve_cards_render_mapped(const sw_report *rep, const char *hook_instance,
                              const sw_diagnostics *mapping, sw_buf *out);

/* Writes into out (37 bytes) the uuid of the card of kind ("risk", "recommendation",
 * "stage", "challenges", "advice", "data-gaps") and item id (NULL for the cards
 * that gather several items). Returns 0, or -1 when out of memory. */
int serve_card_uuid(const char *hook_instance, const sw_provenance *prov, const char *kind,
                    const char *id, char out[37]);

/* Cuts a summary held in b to fewer than 140 characters, ending it with "…" when cut. */
void serve_cards_fit_summary(sw_buf *b);

#endif
