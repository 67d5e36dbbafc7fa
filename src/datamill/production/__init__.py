"""The production loop: specs, projects, items, tasks, packages, annotations, batches, delivery."""
