# Shortens Maven's batch output for ./quickstart.sh: a line per module, a line per 25 files downloaded (a first
# build downloads about 280 MB), and errors in full. The whole output stays in the log file quickstart.sh names.
/^\[INFO\] Building .*\[[0-9]+\/[0-9]+\]$/ {
  line = $0
  sub(/^\[INFO\] Building /, "", line)
  gsub(/  +/, " ", line)
  print "  building " line
  fflush()
  next
}
/^\[INFO\] Downloaded from / {
  n++
  if (n % 25 == 1) {
    printf "  downloading dependencies (first build only): %d files so far\n", n
    fflush()
  }
  next
}
/^\[ERROR\]|BUILD FAILURE|BUILD SUCCESS/ {
  print
  fflush()
}
END {
  if (n > 0) printf "  downloaded %d files\n", n
}
