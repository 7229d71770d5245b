"""The synthetic demonstration region: fictional areas and generated data, labelled as synthetic."""
