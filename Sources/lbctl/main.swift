import LBCtlKit

LBCtl.main()
