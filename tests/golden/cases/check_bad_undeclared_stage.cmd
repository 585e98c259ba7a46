stagewise check tests/golden/rules/bad/undeclared_stage.sw
