/*
 * kinds.c - the output kinds through the public API (sw_kind_count, sw_kind_at),
 * one sw_kind_info per row of SW_ITEM_KINDS (lang/vocab.h), so that the command
 * and the service list every kind without the vocabulary header.
 *
 * Stage api/. May use: every stage.
 */
#include "stagewise.h"

#include "lang/vocab.h"

_Static_assert((int)SW_PLACE_ALSO == (int)SW_ITEM_PLACE_ALSO && (int)SW_PLACE_TODAY == (int)SW_ITEM_PLACE_TODAY &&
                   (int)SW_PLACE_RISKS == (int)SW_ITEM_PLACE_RISKS,
               "the public places are the vocabulary's");

#define SW_LEVEL_WORD_NONE NULL
#define SW_LEVEL_WORD_PRIORITY "priority"
#define SW_LEVEL_WORD_SEVERITY "severity"
#define SW_KIND_ROW(kind, noun, plural, action, word, does, participle, level, key, heading, item, \
                    expect, place)                                                             \
    {noun, plural, word, participle, key, heading, item, expect, SW_LEVEL_WORD_##level,           \
     (sw_kind_place)SW_ITEM_PLACE_##place},
static const sw_kind_info kinds[SW_ITEM__COUNT] = {SW_ITEM_KINDS(SW_KIND_ROW)};
#undef SW_KIND_ROW

size_t sw_kind_count(void)
{
    return SW_ITEM__COUNT;
}

const sw_kind_info *sw_kind_at(size_t i)
{
    return i < SW_ITEM__COUNT ? &kinds[i] : NULL;
}
