import { DistlabError } from '../../runtime/index.ts'

/** A grader check that did not hold: the sentence says what should have been true. */
export class CheckFailed extends DistlabError {
  constructor(
    readonly sentence: string,
    readonly detail?: string,
  ) {
    super('BAD_INPUT', detail ? `${sentence}\n${detail}` : sentence)
    this.name = 'CheckFailed'
  }
}
