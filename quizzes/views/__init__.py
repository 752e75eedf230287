"""Student pages of the practice loop: build, take, review, performance."""
