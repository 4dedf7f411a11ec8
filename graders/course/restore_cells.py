"""nbgrader's OverwriteCells, with missing grade cells put back where they always can be: at the end.

With ``OverwriteCells.add_missing_cells`` on, nbgrader 0.9.6 re-inserts a deleted grade cell after the
source cell that preceded it. That raises (and nbgrader drops the whole submission) when

- the preceding source cell is missing too, or is a read-only cell rather than a grade/solution cell
  (a student who copied their code into a fresh notebook has no nbgrader cells at all), or
- a grade cell's ``grade_id`` was changed: OverwriteCells deletes the unknown id but leaves the cell
  marked as a grade cell, and the restore step then looks the id up.

``RestoreGradeCells`` turns a cell with an unknown id into a plain cell, and appends every missing
grade cell at the end of the notebook, in source order. A test cell there sees everything the student
defined above it. The assignment's nbgrader_config.py puts it in place of OverwriteCells.
"""
from nbgrader import utils
from nbgrader.preprocessors import OverwriteCells


class RestoreGradeCells(OverwriteCells):
    """OverwriteCells whose restore step never depends on the rest of the submitted notebook."""

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        nbgrader = cell.metadata.get("nbgrader")
        if nbgrader is not None and "grade_id" not in nbgrader:
            # Unknown to the gradebook (OverwriteCells just deleted the id) or never had one:
            # a plain cell, neither graded nor a source of crashes further down the pipeline.
            del cell.metadata["nbgrader"]
        return cell, resources

    def add_missing_grade_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        present = {cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells
                   if utils.is_grade(cell) or utils.is_solution(cell)}
        solution_ids = {cell.name for cell in source_nb.solution_cells}
        max_scores = {cell.name: cell.max_score for cell in source_nb.grade_cells}
        # Stored order (in practice the order of the source notebook); it only matters when several are missing.
        for source_cell in source_nb.source_cells:
            if source_cell.name in max_scores and source_cell.name not in present:
                self.log.warning("Missing grade cell %s: adding it at the end of the notebook",
                                 source_cell.name)
                nb.cells.append(self.missing_cell_transform(
                    source_cell, max_scores[source_cell.name],
                    is_solution=source_cell.name in solution_ids))
        return nb, resources
