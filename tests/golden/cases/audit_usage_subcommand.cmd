stagewise audit check decisions.log
