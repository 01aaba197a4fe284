export {
  type InboundAddress,
  type InboundAttachment,
  type InboundMessage,
  parseInboundMessage,
} from './inbound-message';
export {
  ALIAS_NAME_PATTERN,
  type InboundRecipient,
  parseInboundRecipient,
  replyAddressOf,
  tenantAddressOf,
} from './inbound-address';
export { failedRecipientsOf, type Noise, type NoiseKind, noiseOf } from './noise';
export { visibleReplyText } from './reply-text';
export { findThread, type Thread, type ThreadLookup, type ThreadMatch, type ThreadTicket } from './thread';
