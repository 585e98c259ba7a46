/*
 * vocab.c - the name tables of the vocabulary (vocab.h), generated from its lists
 * so that each word is written once.
 */
#include "lang/vocab.h"

#define SW_ITEM_ROW(kind, noun, plural, action, word, does, participle) \
    {noun, plural, word, does, participle},
const sw_item_words sw_item_vocab[SW_ITEM__COUNT] = {SW_ITEM_KINDS(SW_ITEM_ROW)};
#undef SW_ITEM_ROW

#define SW_ITEM_WORD(kind, noun, plural, action, word, does, participle) word,
#define SW_OTHER_WORD(action, word) word,
const char *const sw_action_words[SW_ACT__COUNT] = {SW_ITEM_KINDS(SW_ITEM_WORD) SW_OTHER_ACTIONS(SW_OTHER_WORD)};
#undef SW_ITEM_WORD
#undef SW_OTHER_WORD

/* an item action's kind is its item's kind */
#define SW_SAME_INDEX(kind, noun, plural, action, word, does, participle) \
    _Static_assert((int)SW_ACT_##action == (int)SW_ITEM_##kind, "item actions follow the item kinds");
SW_ITEM_KINDS(SW_SAME_INDEX)
#undef SW_SAME_INDEX
