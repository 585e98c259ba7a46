" ftplugin/stagewise.vim - editing Stagewise rule files in Vim.
"
" Comments start with '#'. 'gq' formats through `stagewise fmt -` (the canonical
" layout); ':make' runs `stagewise lint` on the file's directory and puts the
" findings (and any errors) in the quickfix list. See docs/editors.md.
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1

setlocal comments=:# commentstring=#\ %s
setlocal expandtab shiftwidth=2 softtabstop=2
setlocal formatprg=stagewise\ fmt\ -
setlocal makeprg=stagewise\ lint\ %:p:h:S
setlocal errorformat=%f:%l:%c:\ %m,%-G%.%#

let b:undo_ftplugin = 'setlocal comments< commentstring< expandtab< shiftwidth< softtabstop<'
      \ . ' formatprg< makeprg< errorformat<'
