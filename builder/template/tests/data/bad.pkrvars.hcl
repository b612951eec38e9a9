suite = "trixie"
sute  = "x"
