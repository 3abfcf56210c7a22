# slice: check
# alone
# quit ends the script whatever words follow it: the echo after it must
# not run (its line would land in quit's case).  exit ends the joined
# script (99-end), so this area runs as a script of its own
# (run-compat.sh), with no launch.
quit now
echo after quit: not reached
