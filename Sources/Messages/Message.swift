/// Every sentence the command line says, by key: the words themselves are in the catalogue, once
/// in English (``Catalogue/english``) and once in Chinese (``Catalogue/chinese``). Field labels,
/// table titles and other words of the notices are data, and pass through as they are.
///
/// A message's values go where its text says `{1}`, `{2}`…, so each language orders them as it needs.
public enum Message: String, CaseIterable, Sendable {
    // The frame every failure is printed in.
    case error, usage, seeHelp, warning
    // Hints after a failure.
    case hintNothingWritten, hintSeeFiles, hintSeeHelp, hintSeeConflicts, hintTryLater, hintEnrolAgain, hintSeeStatus,
         hintCheckDisk, hintCheckPath, hintFixValues, hintValidate
    case localDatabaseFailed, cannotRead, notUTF8
    // Workflow steps.
    case submitted, recommended, returned, selected, rejected, concluded, queuedForSync
    case pastRecommended, pastReturned, pastSelected, pastRejected, pastSubmitted, pastConcluded
    // Many records at once.
    case bulkNarrowNeedsAll, bulkNarrowHint, bulkNothingToDo, bulkNoRecordNamed, bulkNoRecordHint, bulkWould, bulkDone,
         bulkDryRunSummary, bulkDryRunRefused, bulkWritten, bulkRefused, bulkRefusedHint, idsNotUTF8Hint
    // Joint records.
    case jointNoPartner, jointClearTakesNone, jointHint, jointAlone, jointWith
    // Tables, the library, completeness.
    case noSelectionTarget, noSelectionTargetHint, basis, guideNumbers, guideNumbersHint, otherUnitsTable, otherUnitsTableHint,
         deadlineLeft, deadlinePassed, completenessHeader, furthest, nothingSubmitted, drafting, offlineLine, unknownTime, lateMark,
         stageNone, stageDrafting, stageSubmitted, stageRecommended, stageSelected
    // Sync.
    case hubNotURL, syncRunning, syncRunningHint, hubAlreadyServing, hubAlreadyServingHint, syncProgress, syncProgressFiles, syncRetrying, restoredCopy, restoredCopyRenumbered,
         clockRanAhead, synced, syncedFiles, fileRefused, filesNotKept, filesNotKeptHint, keptApartLine, keptApart, keptApartHint,
         refusedLine, hubRefusedOne, hubRefusedMany, hubRefusedHint
    // Replica set-up and status.
    case replicaExists, replicaExistsHint, tokenOfAnother, checkToken, replicaCreated, notAHub, checkHub,
         statusReplica, statusUnit, statusHub, statusLastSync, never, statusPendingOne, statusPendingMany, statusRefusedNone, statusRefused,
         statusConflictsNone, statusConflicts, statusDeadlineLeft, statusDeadlinePassed
    // Drafting, history, conflicts.
    case callLine, callForm, callTable, noChanges, savedOne, savedMany, noRecords, readyToSubmit, noRecord, noRecordHint,
         historyDeleted, historyRestored, typedAs, cannotReadFor, valueNotUTF8, saveAsUTF8, notFieldObject, notFieldObjectHint,
         deletedWhileEdited, noConflicts, resolved, notRefusedChange, notRefusedChangeHint, filedBy, ruleLine
    // Who may do what (the permission check, at the replica and at the hub).
    case permUnknownActor, permRoleMismatch, permProvincePublishes, permProvinceReceipt, permUnknownUnit, permNotOwnerWrite, permFrozen,
         permNotOwnerDelete, permSubmittedRecord, permOnlyOwnerSubmits, permPastDeadline, permCityOnly, permOtherCity, permNotSubmitted,
         permProvinceSelects, permNotRecommended, permOnlyOwnerShares, permPartnersFrozen, permProvinceConcludes, permNotSelected
    // What must hold before a record is submitted or selected.
    case issueEmpty, issueChooseOne, issueFillIn, issueConflict, issueResolveFirst, issueIs, issueBeforeCall, issueSignedDay, issueAfterToday,
         issueSignedByToday, issueEnds, issueNoLaterThan, issueEmptyWhile, issueSayWhy, issueLeads, issueLeadsExpected, ofRound,
         pastTarget, consentInConflict, publishNotAgreed
    // Names the domain does not know.
    case unknownCall, unknownForm, unknownField, ambiguousField, unknownTable, noSuchRecord, notAForm, unknownUnit, badTemplate, didYouMean
    // The domain's refusals a user meets.
    case ambiguousCall, usccNotOwn, tooManyFiles, unknownRecord, leaderHasProject, leaderRecord, leaderOtherUnit, leaderSameBatch, partnerUnknown, partnerIsOwner, partnerKind, partnersAtMost, usccNotUnits, usccItIs, usccOfAnother, fileEmpty, fileType, fileNotHere, fileDamaged, provinceCompiles, noLibrary, reportsThrough, notCompiler, badID, idTaken, oneAtATime, textEmpty, alreadyConcluded, notApplicant, cityReviews
    // Bundles, attachments, the replica's folder, written files.
    case noHubKey, upgradeHub, cannotWrite, bundleWritten, bundleStranger, bundleOwn, bundleOwnHint, bundleUnknownKey, bundleUnknownKeyHint, bundleOtherUnit, revokedByHub, bundleOtherUnitHint, bundleSignature, bundleSignatureHint, bundleDiffers, bundleDiffersHint, bundleRefused, bundleRefusedHint, bundleApplied, cannotOpenLock, attached, detached, fileExists, fileExistsHint, extracted, noReplica, noReplicaHint, damaged, configDamagedHint, noToken, noTokenHint, keyDamagedHint, secretsDamaged, secretsDamagedHint, unknownRole, unknownRoleHint, editorName, wroteDocument, wroteTable, noCallHasForm, noCallHasFormHint, editorFailed
    // The hub's administration and verification.
    case notHubKey, notHubKeyHint, metricsTokenShort, metricsTokenHint, serving, stopping, stopped, trailIntact, trailTampered, trailTamperedHint, backedUp, published, enrolReplica, enrolToken, enrolInit, enrolOnce, noEnrolment, noEnrolmentHint, revoked, lastSyncAt, revokedMark, notOrgArray, ofCity, imported, nothingRecorded, stamped, provinceWide, noHubKeyYet, noHubKeyYetHint, verified, replicaAnomalies, replicaAnomaliesHint, recordsList, hubVerified, hubAnomalies, hubAnomaliesHint
    // A commission's list, in the notices' words (the same in both languages).
    case listOwn, listCityUnits, listAllUnits
    // A table against its stamp (盖章).
    case stampMatches, stampDiffers
    // The frame of every command's help.
    case helpOverview, helpUsage, helpArguments, helpOptions, helpRepeatable, helpRequired, helpSubcommands, helpSeeSubcommand
    // Mistakes on the command line.
    case usageUnknownCommand, usageMissing, usageNumber, usageOneOf, usageUnknownOption, usageNoValue, usageNeedsValue, usageTwice, usageMissingOption, usageMissingArgument, usageUnexpected, usagePick, usagePickOrValue, usageDiscard, usageSet, usageListen, usageSince, usageReplicaID, usageAddOrg, usageHub, usageToken, usageFormat, usageXLSX
    // Files, templates, reserved fields, organisations and raw changes, as the hub judges them.
    case attFieldName, attName, attNameText, attSize, attType, tplText, tplTop, tplNotTemplate, tplUnknownKey, tplID, tplVersion, tplGrace, tplNoForms, tplRepeatsKey, tplRepeatsName, tplReservedKey, tplNoOptions, tplTableForm, tplTableField, tplQuotaForm, tplRuleForm, tplRuleField, rfFileRegister, rfUnknownField, rfRegister, rfHubOnly, rfText, rfInteger, rfPartners, rfEntry, rfMisplaced, rfWrongAuthor, orgCode, orgName, orgCity, caCollection, caInternal, caKeys, caTemplate, caRecordIDv7, caRecordIDv8, caIdentityFixed, caIdentityFirst, caSupersedesLater, caSupersedesOther, caSupersedesEachOther
    // A record's notes, text that cannot be stored, and the sync client's failures.
    case noteReturnedWhileDecided, noteEditedAfterSubmit, noteEditedAfterRecommend, noteConcurrentEntries, textBidi, textControl, textRemove, textOnlyTabs, hubUnavailable, tokenRefused, hubAnswered, replyUnreadableHub, hubStatusLater, heldOtherwise, unproven, stillBehind, noChangesBack, replyUnreadable, ownChangesAltered
    // The record as a document, durations, arguments that are not text.
    case editorInstructions, showPartners, showLastContact, showReceived, showOffline, durationDays, durationHours, durationMinutes, argumentNotUTF8, environmentNotUTF8
    // The hub's answers to a replica or a raw client.
    case hubNoKeySend, hubNoKeyBundle, hubUnsigned, hubBadBatchSignature, hubWrongOrigin, hubDotReused, hubWithdrawnDot, hubSupersedesUnknown, hubClockAhead, hubBeforeEnrolment, hubOlderThanDrained, hubNotAfterPrevious, hubNotBeforeNext, hubOfflineTooLate, hubRecordTooLarge, hubMissingToken, hubBadToken, hubRevoked, hubUnknownRole, hubPartTooLarge, hubEncodedPart, hubKeyNotEnrolled, hubKeyProof, hubKeyPublished, hubKeyOther, hubKeyStore, hubBundleNotEnrolled, hubBundleRevoked, hubBundleKeyOther, hubBundleSignature, hubBundleNotAllowed, hubProtocol, hubMalformed, hubSyncFailed, hubReplicaMismatch, hubTooManyChanges, hubKeyReplicaMismatch, hubRegisteredKeySignature, hubBatchRefused, hubNothingApplied, hubReplicaCopied, hubTooManyWithdrawals, hubNotOwnDot, hubWithdrawHeld, hubWithdrawNotRefused, hubFilePath, hubFileServe, hubFileNotNamed, hubFileNotOwner, hubFileMethod, hubFileOffset, hubFileQuota, hubFileIncomplete, hubBadRange
    // The hub's answers to a replica or a raw client.
    case hubMethodNotAllowed, hubNoEndpoint, hubUnknownOrg, hubRoleMismatch, hubNoProvince, hubBundleRefusedAll, hubSigningKeyRefused, hubStampMismatch, hubHeadBehind, hubHistoryDiffers, hubWithinSigned, hubHeadCovers, hubHeadSignature, hubHeadBeyond, hubMissingSigned, hubAlteredSigned, hubReordered, hubUntagged
    // Editing without a terminal.
    case editNoTerminal, editNoTerminalHint
    // Cron and a hub out of reach for long.
    case unreachableSince
    // Values named by fields that do not exist.
    case notAField, severalFields, useOneName, useField, seeFields
    // A hub whose certificate this machine does not trust.
    case hubUntrusted, hintTrustCA
    // Words that came from below the command line: a code's check, the guide, the network, verification.
    case usccWrongCheck, unknownCategory, cannotReachHub, hubCutHead, verifyNoKey, verifyForeignSigner, verifyAltered, verifyUnproven
    // Bundles, batches, proofs, the network, the audit trail and files, as the layers below the command line say them.
    case bundleNotOne, bundleLastLine, bundleChecksum, bundleSignatureText, bundleKeyDamaged, bundleHeadDamaged, bundleFileHash, bundleFileLine, bundleFileDescribed, bundleFilePastSize, bundleStrayLine, batchRefused, batchNoNewline, batchNoHeader, batchFormat, batchNoEnd, batchCount, batchLineJSON, proofNotInterval, proofShort, proofMissingChange, proofSpare, proofOtherHistory, proofDiffers, proofHubVouches, urlNoHost, timedOut, hubSlowToTake, hubBrokeSending, hubReplyTooLarge, hubSlowToAnswer, hubBroke, hubNoReply, hubBadStatusLine, hubBadHeader, hubChunked, hubCutBody, hubGzipDamaged, hubBadLength, auditCut, auditNotFollow, auditAltered, auditNotSigned, auditUnsigned, fileTooLarge, filePartOffset, filePartBeyond, fileHashMismatch, fileNotExpected, fileSizeExpected, fileOtherSize, fileAnswerNoOffset, fileHubHoldsMore, hubAnsweredLater, storeChanged, storeIntervalFails, storeOwnChanged, transportSyncOnly, hubNoHTTP
    // Dropping refused changes, a token the hub does not know, an audit finding.
    case discardNone, discardDone, tokenUnknown, auditLine
    // Files named in problems, and progress as a share of the whole.
    case fileOfRecord, fileProblem, syncPercent, syncProgressFilesOf
    // A hub behind a private CA.
    case noLibcurl, caFileUnreadable, caFileNeedsHTTPS, dbFailed, caFileHint, caFileNotPEM
    // The hub's dashboard page (always Chinese: it is the officials').
    case dbTitle, dbViewer, dbScopeCity, dbScopeProvince, dbDeadlineLeft, dbDeadlinePassed, dbStates, dbCompleteness, dbUnit, dbCounts, dbFurthest, dbStanding, dbMet, dbLate, dbOpen, dbNothing, dbSelection, dbSelectionLine, dbStateMet, dbStateBelow, dbStateOver, dbReplicas, dbUser, dbRole, dbLastContact, dbOffline, dbRefusedWaiting, dbRevoked, dbNever, dbStamps, dbCall, dbTable, dbHash, dbStampedBy, dbTime, dbProvinceWide, dbNoStamps, dbFooter, dbLoginTitle, dbLogin, dbForbiddenTitle, dbForbidden
    // A form's fields as `tianbao fields` lists them.
    case fieldRequired, fieldAtMost, fieldChoices, typeText, typeLongText, typeChoice, typeMultiChoice, typeYesNo, typeMoney, typePeriod,
         typeDate, typeMobile, typeLandline, typePhones, typeEmail, typeUSCC, typeGuideScenarios, typePublishConsent
    // A field's value, as typed.
    case fcNotScenarioNumber, fcScenarioNumbers, fcIsQuoted, fcYesNo, fcNotAmount, fcAmountDecimals, fcAmount, fcNotPeriod, fcIsNotPeriod, fcPeriodExample, fcPeriodOrder, fcEndsBeforeStart, fcEndAfterStart, fcNotMobile, fcMobileExample, fcMobile, fcNotLandline, fcLandlineExample, fcNotPhone, fcNotPhoneList, fcPhonesExample, fcPhones, fcConsentExample, fcConsent, fcNotText, fcThroughForm, fcLineBreak, fcOneLine, fcCharacters, fcAtMostChinese, fcAtMost, fcNotDate, fcDateExample, fcNotEmail, fcEmailExample, fcUSCC, fcSingleValue, fcListOfChoices, fcNotGuideScenario, fcNumberUpTo, fcNotAChoice, fcOtherWithoutWhat, fcOtherExample, fcOwnCode
}

extension Message {
    /// The message in the reader's language, `values` in its places.
    public func text(_ values: any CustomStringConvertible...) -> String {
        text(in: .current, values)
    }

    public func text(in language: Language, _ values: [any CustomStringConvertible]) -> String {
        let template = (language == .chinese ? Catalogue.chinese[self] : Catalogue.english[self]) ?? Catalogue.english[self] ?? rawValue
        return Self.fill(template, values.map(\.description))
    }

    /// `{n}` replaced by the n-th value (from 1); a place with no value stays as written.
    static func fill(_ template: String, _ values: [String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "}"), let n = Int(after[..<close]), n >= 1, n <= values.count {
                out += values[n - 1]
                rest = after[after.index(after: close)...]
            } else {
                out += "{"
                rest = after
            }
        }
        return out + rest
    }

    /// The places a template uses, for the catalogue's own test.
    public static func places(_ template: String) -> Set<Int> {
        var found = Set<Int>()
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "}"), let n = Int(after[..<close]) { found.insert(n) }
            rest = after
        }
        return found
    }
}
