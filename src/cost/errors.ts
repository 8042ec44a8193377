/** An argument to the cost model is out of range: a non-positive length, a head count that does not divide, an unknown preset. */
export class CostInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
