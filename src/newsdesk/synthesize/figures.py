def current_figures(reports):  # TEMPORARY placeholder until the figures branch lands
    return {}
def superseded(text, current):
    return False
