" ftdetect/stagewise.vim - Stagewise rule files (*.sw) open with filetype stagewise.
" See docs/editors.md.
autocmd BufRead,BufNewFile *.sw setfiletype stagewise
