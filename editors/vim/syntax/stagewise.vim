" syntax/stagewise.vim - highlighting for the Stagewise rule language (*.sw).
"
" Covers the reserved words of docs/language.md, the level and status words rules
" use (priority, severity, status), strings with their escapes, comments, whole
" and decimal numbers, dates (YYYY-MM-DD), operators, lint codes (L001) and the
" names declared by rule, stage, fact and catalogue declarations. See
" docs/editors.md for installing it.
if exists('b:current_syntax')
  finish
endif

syntax case match

" Declarations and their clauses
syntax keyword swDeclaration guideline source statement stage order facts derived
syntax keyword swDeclaration intervention practice challenge risk rule fhir
syntax keyword swClause version file excused goal default kind severity cites priority
syntax keyword swClause author reviewer reviewed status allow because
" The shape of a rule
syntax keyword swRuleKeyword when then end
" Actions
syntax keyword swAction recommend advise move set
" Operators written as words
syntax keyword swOperatorWord and or not in is known missing contains any all since
syntax keyword swOperatorWord days weeks months
" Types
syntax keyword swType bool int number date text one of
" Literals and levels
syntax keyword swBoolean true false
syntax keyword swLevel low normal high urgent info warning critical
syntax keyword swLevel draft testing production retired

" Names declared: the word after the declaring keyword
syntax match swDeclaredName "\%(\<\%(rule\|stage\|intervention\|practice\|challenge\|risk\|source\|guideline\)\s\+\)\@<=\h\w*"
syntax match swDeclaredName "^\s*\zs\h\w*\ze\s*:"

" Numbers, dates (after numbers, so a date wins), lint codes
syntax match swNumber "\<\d\+\>"
syntax match swNumber "\<\d\+\.\d\+\%([eE][-+]\=\d\+\)\=\>"
syntax match swDate "\<\d\{4}-\d\{2}-\d\{2}\>"
syntax match swLintCode "\<L\d\{3}\>"

" Operators
syntax match swOperator "<=\|>=\|==\|!=\|->\|\.\.\|[<>=+*/-]"

" Strings (one line; an unterminated one ends at the end of the line)
syntax region swString start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ oneline contains=swEscape
syntax match swEscape "\\[\"\\n]" contained

" Comments
syntax keyword swTodo TODO FIXME XXX NOTE contained
syntax match swComment "#.*$" contains=swTodo,@Spell

highlight default link swDeclaration Statement
highlight default link swClause Keyword
highlight default link swRuleKeyword Conditional
highlight default link swAction Function
highlight default link swOperatorWord Operator
highlight default link swOperator Operator
highlight default link swType Type
highlight default link swBoolean Boolean
highlight default link swLevel Constant
highlight default link swDeclaredName Identifier
highlight default link swNumber Number
highlight default link swDate Number
highlight default link swLintCode Special
highlight default link swString String
highlight default link swEscape SpecialChar
highlight default link swComment Comment
highlight default link swTodo Todo

let b:current_syntax = 'stagewise'
