"""The commands, one module per family. A command `a b-c` in the registry (`ircli.operations`) is the
function `b_c` (or `b_c_` where the name is a Python builtin) of the module the registry names."""
