"""wudu — 五度评教/五度评学 evaluation warehouse."""
