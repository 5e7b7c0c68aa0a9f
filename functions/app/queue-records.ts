// The shape shared by the SQS Lambda handlers and the in-process queue: one record per message, and
// the partial-batch-failure answer (ReportBatchItemFailures).

/** One queue message as a consumer sees it. */
export interface QueueRecord {
  messageId: string;
  body: string;
  /** 1 on the first delivery (SQS ApproximateReceiveCount) */
  receiveCount: number;
}

/** The records to deliver again; every other record of the batch is deleted. */
export interface BatchResult {
  batchItemFailures: { itemIdentifier: string }[];
}
