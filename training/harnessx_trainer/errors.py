"""Errors that end the job with a one-line reason (spec §8: non-zero exit on every "abort" rule)."""


class TrainerError(Exception):
    """Base: the message is the one-line reason printed before a non-zero exit."""

    exit_code = 1
    rule = ''

    def __init__(self, message: str, rule: str = ''):
        super().__init__(message.replace('\n', ' '))
        if rule:
            self.rule = rule

    def one_line(self) -> str:
        prefix = f'{self.rule}: ' if self.rule else ''
        return f'{type(self).__name__}: {prefix}{self}'


class ConfigError(TrainerError):
    exit_code = 2


class DatasetError(TrainerError):
    exit_code = 3


class AdvantageMismatch(TrainerError):
    exit_code = 4
    rule = 'E17'


class NothingToTrain(TrainerError):
    exit_code = 5
    rule = 'E16'


class PipelineMismatch(TrainerError):
    """Too many calls/rows fail a consistency check: the data and the trainer disagree (E11, E19)."""

    exit_code = 6
