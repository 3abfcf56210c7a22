# slice: check
# Launch the appliance (one boot per side for every later area).
run
is-config
