/* solmod's I_STR command, shared by the module and the test. */
#ifndef SOLMOD_H
#define SOLMOD_H

#define SOLMOD_IOC     ('s' << 8)
#define SOLMOD_GETCNT  (SOLMOD_IOC | 1) /* ioc_rval: bytes upper-cased */

#endif /* SOLMOD_H */
