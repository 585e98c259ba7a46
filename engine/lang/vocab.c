/*
 * vocab.c - the name tables of the vocabulary (vocab.h), generated from its lists
 * so that each word is written once.
 */
#include "lang/vocab.h"

#include <stddef.h>

/* the grammar word of each LEVEL: the one after the target in an action */
#define SW_LEVEL_WORD_NONE NULL
#define SW_LEVEL_WORD_PRIORITY "priority"
#define SW_LEVEL_WORD_SEVERITY "severity"

#define SW_ITEM_ROW(kind, noun, plural, action, word, does, participle, level, key, heading, item, \
                    expect, place)                                                             \
    {noun, plural, word, does, participle, SW_LEVEL_##level, SW_LEVEL_WORD_##level, key, heading, \
     item, expect, "not_" expect, SW_ITEM_PLACE_##place},
const sw_item_words sw_item_vocab[SW_ITEM__COUNT] = {SW_ITEM_KINDS(SW_ITEM_ROW)};
#undef SW_ITEM_ROW

#define SW_ITEM_WORD(kind, noun, plural, action, word, ...) word,
#define SW_OTHER_WORD(action, word) word,
const char *const sw_action_words[SW_ACT__COUNT] = {SW_ITEM_KINDS(SW_ITEM_WORD) SW_OTHER_ACTIONS(SW_OTHER_WORD)};
#undef SW_ITEM_WORD
#undef SW_OTHER_WORD

#define SW_TYPE_ROW(kind, word, key, listing, described) {word, key, listing, described},
const sw_type_words sw_type_vocab[SW_T__COUNT] = {SW_TYPE_KINDS(SW_TYPE_ROW)};
#undef SW_TYPE_ROW
#define SW_TYPE_ONE(kind, word, key, listing, described) {word, key, listing, described}
const sw_type_words sw_type_stage_vocab = SW_TYPE_STAGE(SW_TYPE_ONE);
#undef SW_TYPE_ONE

const sw_type_words *sw_type_words_of(const sw_type *t, uint32_t stage_enum)
{
    if (t->kind == SW_T_ENUM && t->enumeration == stage_enum)
        return &sw_type_stage_vocab;
    return t->kind < SW_T__COUNT ? &sw_type_vocab[t->kind] : NULL;
}

/* an item action's kind is its item's kind */
#define SW_SAME_INDEX(kind, noun, plural, action, ...) \
    _Static_assert((int)SW_ACT_##action == (int)SW_ITEM_##kind, "item actions follow the item kinds");
SW_ITEM_KINDS(SW_SAME_INDEX)
#undef SW_SAME_INDEX

/* the brief's and the cards' risks are read by severity */
#define SW_LEVEL_IS_SEVERITY_NONE 0
#define SW_LEVEL_IS_SEVERITY_PRIORITY 0
#define SW_LEVEL_IS_SEVERITY_SEVERITY 1
#define SW_PLACE_IS_RISKS_ALSO 0
#define SW_PLACE_IS_RISKS_TODAY 0
#define SW_PLACE_IS_RISKS_RISKS 1
#define SW_RISKS_BY_SEVERITY(kind, noun, plural, action, word, does, participle, level, key, heading, \
                             item, expect, place)                                                  \
    _Static_assert(!SW_PLACE_IS_RISKS_##place || SW_LEVEL_IS_SEVERITY_##level,                      \
                   "a kind placed with the RISKS carries a severity");
SW_ITEM_KINDS(SW_RISKS_BY_SEVERITY)
#undef SW_RISKS_BY_SEVERITY
