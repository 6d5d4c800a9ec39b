// Every registered rule, in id order. A rule is listed here and ships a good and a bad fixture (the tests enforce both).
import type { Rule } from '../types.js';
import { rule as E1001 } from './structure/E1001-top-level-sections.js';
import { rule as E1002 } from './structure/E1002-output-definition.js';
import { rule as E2002 } from './structure/E2002-parameter-definition.js';
import { rule as E1018 } from './structure/E1018-intrinsic-function-valid.js';
import { rule as E1010 } from './structure/E1010-getatt-attribute-exists.js';
import { rule as E3014 } from './constraints/E3014-property-groups.js';
import { rule as E3021 } from './constraints/E3021-dependent-properties.js';
import { rule as E3030 } from './constraints/E3030-allowed-values.js';
import { rule as E3031 } from './constraints/E3031-pattern.js';
import { rule as E3032 } from './constraints/E3032-list-length.js';
import { rule as E3033 } from './constraints/E3033-string-length.js';
import { rule as E3034 } from './constraints/E3034-number-range.js';
import { rule as E3023 } from './constraints/E3023-route53-record-shape.js';
import { rule as E3039 } from './constraints/E3039-dynamodb-key-attributes.js';
import { rule as E3510 } from './constraints/E3510-iam-policy-document.js';
import { rule as W1001 } from './structure/W1001-transform-not-expanded.js';
import { rule as W1019 } from './warnings/W1019-sub-variable-unused.js';
import { rule as W1020 } from './warnings/W1020-sub-without-variables.js';
import { rule as W2010 } from './warnings/W2010-noecho-exposed.js';
import { rule as W3005 } from './warnings/W3005-depends-on-redundant.js';
import { rule as E3001 } from './structure/E3001-resource-type-exists.js';
import { rule as E3002 } from './structure/E3002-property-exists.js';
import { rule as E3003 } from './structure/E3003-required-properties.js';
import { rule as E3012 } from './structure/E3012-property-value-type.js';
import { rule as E1011 } from './references/E1011-findinmap-target-exists.js';
import { rule as E1012 } from './references/E1012-ref-target-exists.js';
import { rule as E1019 } from './references/E1019-sub-variables-exist.js';
import { rule as E2001 } from './references/E2001-parameter-used.js';
import { rule as E3004 } from './references/E3004-no-dependency-cycles.js';
import { rule as E3005 } from './references/E3005-depends-on-exists.js';
import { rule as E6013 } from './conventions/E6013-imdsv2-required.js';
import { rule as E6014 } from './conventions/E6014-bucket-tls-only.js';
import { rule as E6015 } from './conventions/E6015-iam-no-wildcard-grants.js';
import { rule as E6016 } from './conventions/E6016-account-global-names.js';
import { rule as E8001 } from './references/E8001-condition-used.js';
import { rule as E8002 } from './references/E8002-condition-exists.js';
import { rule as E8003 } from './references/E8003-conditional-reference.js';
import { rule as E6001 } from './conventions/E6001-resource-name-suffix.js';
import { rule as E6002 } from './conventions/E6002-environment-suffix-pattern.js';
import { rule as E6003 } from './conventions/E6003-no-retain-policy.js';
import { rule as E6004 } from './conventions/E6004-deletion-protection-not-hardcoded.js';
import { rule as E6005 } from './conventions/E6005-no-literal-account-id.js';
import { rule as E6006 } from './conventions/E6006-no-literal-region.js';
import { rule as E6007 } from './conventions/E6007-no-literal-az.js';
import { rule as E6008 } from './conventions/E6008-no-literal-ami.js';
import { rule as E6009 } from './conventions/E6009-no-literal-arn.js';
import { rule as E6010 } from './conventions/E6010-no-literal-secrets.js';
import { rule as E6011 } from './conventions/E6011-encryption-at-rest.js';
import { rule as E6012 } from './conventions/E6012-no-open-ingress.js';

export const RULES: readonly Rule[] = [
  E1001,
  E1002,
  E1010,
  E1011,
  E1012,
  E1018,
  E1019,
  E2001,
  E2002,
  E3001,
  E3002,
  E3003,
  E3004,
  E3005,
  E3012,
  E3014,
  E3021,
  E3023,
  E3030,
  E3031,
  E3032,
  E3033,
  E3034,
  E3039,
  E3510,
  E6001,
  E6002,
  E6003,
  E6004,
  E6005,
  E6006,
  E6007,
  E6008,
  E6009,
  E6010,
  E6011,
  E6012,
  E6013,
  E6014,
  E6015,
  E6016,
  E8001,
  E8002,
  E8003,
  W1001,
  W1019,
  W1020,
  W2010,
  W3005,
];
