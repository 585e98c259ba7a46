/*
 * serve_cards.h - CDS Hooks for the service: the discovery document and the cards
 * made from one client's result.
 *
 * A result becomes at most these cards, in this order, so that a record system can
 * show them all: one per critical risk; one for the warning risks; one with today's
 * actions (the urgent and high-priority recommendations), each also a suggestion
 * the clinician can accept (a FHIR Task proposal); one for the stage verdict, when
 * a rule proposed a stage, or when it is not decided and move rules wait on missing
 * facts (its summary then says NOT DECIDED); one with the questions to ask (the SERVE_CARDS_QUESTIONS most decisive
 * data gaps). Information-only risks, other recommendations, advice and challenges
 * are in the full result (POST /v1/evaluate), which each card's detail points to.
 * The risks and today's actions are those of every output kind placed there
 * (sw_kind_at(i)->place: SW_PLACE_RISKS, SW_PLACE_TODAY), so a kind the language
 * adds is carded by itself; a kind placed SW_PLACE_ALSO is in the full result only.
 * Indicators: critical risk cards are critical; today's card is critical with an
 * urgent action, else warning; the warnings card is warning; the stage card is a
 * warning for a move back or a verdict not decided, else info; the questions card
 * is a warning when the first question could raise a critical risk, else info.
 * Summaries are under 140 characters (cut at a character boundary with "…");
 * details are Markdown listing the rules that fired, the facts they read and their
 * citations; the source names the guideline, its version and the first citation.
 * When the decision was logged, every card links to it (serve_cards_link).
 * docs/integration.md shows a full response.
 *
 * Card uuids are name-based (RFC 4122 version 5) over the request's hookInstance,
 * the rule set and facts digests and the card's kind and item: unique per request
 * and item, and the same again for the same request, so a decision can be replayed
 * and its feedback matched without the service keeping state.
 */
#ifndef SERVE_CARDS_H
#define SERVE_CARDS_H

#include "util/buf.h"
#include "util/digest.h"
#include "util/json.h"
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

/* How many questions the questions card asks (the full list is in the result). */
#define SERVE_CARDS_QUESTIONS 5

/* Where the cards' links point: PUBLIC_URL SERVE_CARDS_LINK_PATH DECISION_ID, the
 * workbench's page of the logged decision (its facts, outcome, chain and replay;
 * docs/workbench.md), which reads GET /v1/decisions/ID. */
#define SERVE_CARDS_LINK_PATH "/ui/#decision/"

/* Appends the link of a logged decision to out; appends nothing when public_url is
 * NULL or decision_id is NULL or empty. Returns 0, or -1 when out of memory. */
int serve_cards_link(const char *public_url, const char *decision_id, sw_buf *out);

/* Appends the CDS Hooks response ({"cards": [...], "extension": {...}}) for one
 * evaluated client; link (NULL for none) is every card's link to the explanation.
 * Returns 0, or -1 when out of memory. */
int serve_cards_render(const sw_report *rep, const char *hook_instance, const char *link,
                       sw_buf *out);
/* As serve_cards_render, with what did not fit the FHIR mappings (may be NULL) in
 * the response's extension, under "errors". */
int serve_cards_render_mapped(const sw_report *rep, const char *hook_instance, const char *link,
                              const sw_diagnostics *mapping, sw_buf *out);

/* Writes into out (37 bytes) the uuid of the card of kind ("risk", "warnings",
 * "today", "stage", "questions") and item id (NULL for the cards that gather
 * several items), or of a suggestion (kind "suggestion", the recommendation's id).
 * Returns 0, or -1 when out of memory. */
int serve_card_uuid(const char *hook_instance, const sw_provenance *prov, const char *kind,
                    const char *id, char out[37]);

/* Cuts a summary held in b to fewer than 140 characters, ending it with "…" when cut. */
void serve_cards_fit_summary(sw_buf *b);

#endif
