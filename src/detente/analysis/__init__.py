"""Deal analysis on the compiled model: acceptability, frontier, bargaining solutions, options, wedges."""
