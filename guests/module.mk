# Guest images: freestanding test guests and the Debian guest.
# (filled in by the guests work)
