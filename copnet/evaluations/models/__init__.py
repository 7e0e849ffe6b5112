from .criteria import CriteriaSet, Criterion, Section
from .evaluation import (
    Assignment,
    Evaluation,
    EvaluationItem,
    Score,
    ScoreEvidence,
    SelfAssessment,
    VendorDocument,
)
from .products import Product, Vendor

__all__ = [
    "Assignment",
    "CriteriaSet",
    "Criterion",
    "Evaluation",
    "EvaluationItem",
    "Product",
    "Score",
    "ScoreEvidence",
    "Section",
    "SelfAssessment",
    "Vendor",
    "VendorDocument",
]
